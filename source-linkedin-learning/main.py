"""`python main.py spec|check|discover|read --config ... [--catalog ...] [--state ...]`."""
from source_linkedin_learning.run import run

if __name__ == "__main__":
    run()
