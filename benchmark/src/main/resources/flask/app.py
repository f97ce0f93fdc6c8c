"""The Gunicorn experiment's own stack: a Flask app with the routes of the sample app's
ExperimentController, so that the benchmark suite measures both with the same workloads and the
same client. The suite runs it under Debian's /usr/bin/gunicorn (sync, gthread and gevent
workers), bound to 127.0.0.1 only.

/cpu-bound multiplies 1 * 2 * ... * 99999 in a loop (the article's naive factorial, the same
work as the Java route's BigInteger loop); /io-bound sleeps s seconds (default 5, at most 300,
as the Java route); /hello answers "Hello, World!".
"""

import threading
import time

from flask import Flask, Response, jsonify, request

FACTORIAL_OF = 99_999

MAX_SLEEP_SECONDS = 300.0

app = Flask(__name__)


def timing(start, route, detail):
    # The same fields as the Java route's Timing record.
    return jsonify(route=route, seconds=time.perf_counter() - start, thread=threading.current_thread().name,
                   virtualThread=False, detail=detail)


@app.get("/cpu-bound")
def cpu_bound():
    start = time.perf_counter()
    result = 1
    for i in range(1, FACTORIAL_OF + 1):
        result *= i
    return timing(start, "cpu-bound", f"bits of 99999!: {result.bit_length()}")


@app.get("/io-bound")
def io_bound():
    try:
        seconds = float(request.args.get("s", "5"))
    except ValueError:
        seconds = float("nan")
    if not 0 <= seconds <= MAX_SLEEP_SECONDS:
        return Response(f"s must be from 0 to {MAX_SLEEP_SECONDS} seconds, was {request.args.get('s')}\n",
                        status=400, mimetype="text/plain")
    start = time.perf_counter()
    # time.sleep, looked up at each call: under the gevent worker, gunicorn has patched it to
    # yield to the other requests of the worker.
    time.sleep(seconds)
    return timing(start, "io-bound", f"slept {seconds} s")


@app.get("/hello")
def hello():
    return Response("Hello, World!", mimetype="text/plain")
