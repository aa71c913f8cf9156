"""Transfer impact assessments (EDPB Recommendations 01/2020)."""
