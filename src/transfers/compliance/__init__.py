"""Chapter V verdicts, vendor status and the register-wide view, from the rules engine."""
