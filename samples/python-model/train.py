"""Trains the tiny linear model shipped as model.json (pure Python least squares; run to regenerate)."""
import json


def fit(xs, ys):
    """Ordinary least squares for y = a*x + b."""
    n = len(xs)
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    a = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys)) / sum((x - mean_x) ** 2 for x in xs)
    return {'coef': a, 'intercept': mean_y - a * mean_x}


if __name__ == '__main__':
    # square metres -> price in thousands, a made-up data set
    area = [30, 45, 50, 62, 75, 80, 95, 110]
    price = [150, 210, 232, 280, 330, 352, 410, 468]
    with open('model.json', 'w') as handle:
        json.dump({'kind': 'linear', 'feature': 'area', **fit(area, price)}, handle, indent=2)
