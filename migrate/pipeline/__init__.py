"""The one place that runs the stages in order: sources → inventory → semantics → outputs.

One function per job (`scan`, `convert`, `rewrite`), each taking a request object and returning
a result object. They raise `UsageError` instead of exiting; the CLI, the GitHub Action and the
tests all call them.
"""
