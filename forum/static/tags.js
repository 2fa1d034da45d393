// Tag suggestions as you type, and reply preview.
"use strict";
