"""migrate/inventory"""
