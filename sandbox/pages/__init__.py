"""Page data that more than one blueprint shows, built from rules and services. Blueprints import these,
never each other's views; nothing here imports a blueprint."""
