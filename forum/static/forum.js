// The forum's own small script: progressive enhancements only; every page works without it.
"use strict";
