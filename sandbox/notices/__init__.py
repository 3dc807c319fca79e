"""The in-app notification centre, the admin view of failed email deliveries, and the tick CLI."""
