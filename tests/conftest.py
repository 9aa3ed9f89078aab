"End the run with the plain `N passed, N failed` line that CI reads."
def pytest_unconfigure(config):
    reporter = config.pluginmanager.get_plugin('terminalreporter')
    if reporter is None: return
    count = lambda key: len([r for r in reporter.stats.get(key, []) if getattr(r, 'when', 'call') == 'call'])
    passed, failed = count('passed'), count('failed') + len(reporter.stats.get('error', []))
    reporter.write_line(f'({count("skipped")} skipped)')
    reporter.write_line(f'{passed} passed, {failed} failed')   # the last line, as CI reads it
