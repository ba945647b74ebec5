package diagram_test

import _ "github.com/kpemu/kpemu/internal/golden"
