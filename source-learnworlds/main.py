"""`python main.py spec|check|discover|read --config ... [--catalog ...] [--state ...]`."""
from source_learnworlds.run import run

if __name__ == "__main__":
    run()
