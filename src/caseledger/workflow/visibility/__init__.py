"""Who sees a customer's phone (or e-mail) in full on a case page: a setting per role and
field, every full display journaled as a look (customer.look)."""
