"""Sample job: a Flask webview UI next to perform (Flask comes from requirements.txt)."""
from flask import Flask, jsonify, render_template, request


class JobEntrypoint:
    def perform(self, x: float, y: float) -> float:
        """Multiply two numbers."""
        return x * y

    def docs_input_example(self) -> dict:
        return {'x': 20, 'y': 5}

    def webview_app(self, base_url: str):
        """
        Create WSGI app serving custom UI pages
        :param base_url: Base URL prefix where WSGI app is deployed.
        """
        app = Flask(__name__, template_folder='templates')

        @app.route(base_url + '/')
        def index():
            return render_template('index.html', base_url=base_url)

        @app.route(base_url + '/postme', methods=['POST'])
        def postme():
            return jsonify({'hello': request.json})

        return app.wsgi_app
