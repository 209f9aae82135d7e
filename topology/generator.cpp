// PLACEHOLDER: replaced by the real generator.
