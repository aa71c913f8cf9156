"""Sub-processor change notices (GDPR Art. 28(2)): record, evaluate, accept or object."""
