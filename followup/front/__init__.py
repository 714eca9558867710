"""The web app: server-rendered Django templates with htmx for partial updates."""
