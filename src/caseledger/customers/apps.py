from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "caseledger.customers"
    label = "customers"
