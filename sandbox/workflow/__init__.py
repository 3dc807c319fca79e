"""The workflow: states, the one machine declaration, guards, clocks and the one door (service.fire)."""
