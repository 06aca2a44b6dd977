"""migrate/settings"""
