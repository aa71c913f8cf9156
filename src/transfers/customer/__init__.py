"""Our customers (controllers we process for) and the GDPR Art. 28(2) notices we send them."""
