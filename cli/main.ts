console.log('mirrorbook — under construction');
