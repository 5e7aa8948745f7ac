"""The command line: harness eval | score | tasks | …"""
