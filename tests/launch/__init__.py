"""Tests of launching runs."""
