"""Sample job: a trained model loaded once in __init__ (scikit-learn style predict), no heavy dependencies."""
import json
from pathlib import Path
from typing import List


class LinearModel:
    """Minimal stand-in for a fitted scikit-learn regressor: predict() over a list of samples."""

    def __init__(self, coef: float, intercept: float):
        self.coef = coef
        self.intercept = intercept

    def predict(self, samples: List[List[float]]) -> List[float]:
        return [self.coef * row[0] + self.intercept for row in samples]


class JobEntrypoint:
    def __init__(self):
        # Loaded once at start-up (the job reports ready only after this), relative to the job's directory.
        params = json.loads(Path('model.json').read_text())
        self.model = LinearModel(params['coef'], params['intercept'])

    def perform(self, areas: List[float]) -> List[float]:
        """
        Predict flat prices (in thousands) from their areas in square metres.
        :param areas: Areas in square metres.
        :return: Predicted prices, rounded to 0.1.
        """
        return [round(price, 1) for price in self.model.predict([[area] for area in areas])]

    def docs_input_example(self) -> dict:
        return {'areas': [50, 100]}
