// ink imports react-devtools-core only when DEV is set; the bundle answers it with nothing.
export default {};
