"""DOCX documents generated from the register: DPA, SCC annexes, TIA, subprocessor list,
privacy-notice section and record-of-processing extract, in English and Finnish."""
