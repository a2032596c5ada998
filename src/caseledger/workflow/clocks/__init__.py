"""SLA and statutory clocks of cases, computed from the journal; the sweep that warns and
escalates."""
