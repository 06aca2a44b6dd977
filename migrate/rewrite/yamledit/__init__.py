"""migrate/rewrite/yamledit"""
