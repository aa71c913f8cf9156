"""transfers: register of GDPR processors, subprocessors and third-country transfers."""
