"""The journal actions customers writes: the `action` of its entries, one name each, as they
have always been spelled (entries already written must keep verifying)."""

from enum import StrEnum


class CustomerAction(StrEnum):
    CREATE = "customer.create"
    UPDATE = "customer.update"
    CONTACT_ADD = "customer.contact_add"
    CONTACT_UPDATE = "customer.contact_update"
    CONTACT_REMOVE = "customer.contact_remove"
    IDENTIFIER_ADD = "customer.identifier_add"
    IDENTIFIER_REMOVE = "customer.identifier_remove"
    REVEAL = "customer.reveal"
    MERGE = "customer.merge"
    UNMERGE = "customer.unmerge"
    REENCRYPT = "customer.reencrypt"
    SEAL_CONTACTS = "customer.seal_contacts"
