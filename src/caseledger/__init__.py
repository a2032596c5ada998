"""caseledger: the system of record for customer objections and complaints."""

__version__ = "0.1.0"
