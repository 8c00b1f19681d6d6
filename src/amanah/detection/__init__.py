"""Threat detection: activity events in, explained alerts out.

``events`` parses JSON Lines and converts the bus's ``ActivityEvent``; ``baselines``
learns each agent's and team's normal online; ``rules`` and ``model`` score
events and agent-hours; ``alerts`` groups them into incidents with a lifecycle;
``engine.Detector`` runs them all, the same way live (on the bus) and in replay.
"""
