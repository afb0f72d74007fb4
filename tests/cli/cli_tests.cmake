# CLI end-to-end tests are added below.
