"""Demo-portfolio generator: real-format exports and canonical files for demos and benchmarks."""

from pipelines.demo.generator import BadRow, DemoFile, DemoSummary, generate_demo

__all__ = ["BadRow", "DemoFile", "DemoSummary", "generate_demo"]
