"""The maintenance app. Its capabilities arrive with their own issues; the app is installed so its place is fixed."""
