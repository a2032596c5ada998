"""Industry templates: SLA policies, statutory deadlines and the holiday calendar an
administrator adopts for a department with one command, as data."""
