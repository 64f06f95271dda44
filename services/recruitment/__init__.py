"""The recruitment service: postholders, vacancies, vacancy control, staff at risk, redeployment."""
