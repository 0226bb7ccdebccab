"""Committee progress reports (see the report issue); dashboards read aims and principles directly."""
