"""Field encryption, blind indexes, masking, validation of identity numbers, key rotation."""
