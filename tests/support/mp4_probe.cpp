// mp4 probe: placeholder
