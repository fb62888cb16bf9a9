// GOV.UK Frontend's components (error summary focus, service navigation, radios...), from the npm build.
import { initAll } from '/static/govuk-frontend.min.js'

initAll()
