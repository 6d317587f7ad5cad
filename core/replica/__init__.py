"""Replicas of a desk shared through git: site codes, the case merge, ``sync`` and ``clone``."""
