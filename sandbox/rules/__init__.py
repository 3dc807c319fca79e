"""The rules: read queries and the checks that return reasons, one module per aggregate.

Below workflow and policy, above the models: a rule imports only models, the ground floor (labels,
states, extensions, sites) and other rules. Verbs (anything that writes) live in services/."""
