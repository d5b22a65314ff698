"""Sample job in the pre-2.0 style: fatman.yaml with `lang:` and a `python:` section, a FatmanEntrypoint class."""


class FatmanEntrypoint:
    def perform(self, x: float, y: float) -> float:
        """
        Return the product of two numbers.
        :param x: The first number.
        :param y: The second number.
        :return: The product of x and y.
        """
        return x * y

    def docs_input_example(self) -> dict:
        return {'x': 20, 'y': 5}
