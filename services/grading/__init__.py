"""The grading service: grade catalogue, pay spines, on-cost rates and job evaluation."""
