"""migrate/pipeline"""
