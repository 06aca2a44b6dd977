"""migrate/emit"""
