// In-place star ratings (the forms work without it).
"use strict";
