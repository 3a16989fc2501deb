"""What goes wrong starting the stack that a user can fix."""


class StackError(Exception):
    """A port taken, a part that would not start: said in one line."""
