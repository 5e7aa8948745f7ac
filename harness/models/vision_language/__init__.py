"""Vision-language model families: image–text classifiers with heads, dual encoders and
generative VLMs. ``loading`` detects a checkpoint's family; the other modules turn examples
with images into each family's model inputs and outputs."""
