"""The workflow, declared: the machine (steps, who may fire them, past-tense labels), the guards and the
clocks. States are on the ground floor (sandbox/states.py); the one door that fires a step is
services/workflow.fire."""
