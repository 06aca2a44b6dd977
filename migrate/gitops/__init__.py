"""GitOps: a clean clone of the base branch, the bot's commit, the push, and the pull request."""
