// placeholder: filled in by the rendering-core work
